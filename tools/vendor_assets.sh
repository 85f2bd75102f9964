#!/usr/bin/env bash
# Re-fetch the vendored Leaflet/plugin assets from the npm registry into static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
V=static/vendor
get() { (cd "$tmp" && npm pack --silent "$1" >/dev/null && mkdir -p "$2" && tar xzf ./*.tgz -C "$2" && rm ./*.tgz); }
get leaflet@1.9.3 leaflet; get jquery@3.7.1 jquery; get bootstrap@5.2.2 bootstrap
get @fortawesome/fontawesome-free@6.2.0 fa; get drmonty-leaflet-awesome-markers@2.0.2 am
get leaflet-draw@1.0.2 draw; get leaflet.vectorgrid@1.3.0 vg; get leaflet.fullscreen@3.0.0 fs
get leaflet-measure@3.1.0 lm
X=$tmp
mkdir -p $V/leaflet $V/jquery $V/bootstrap $V/fontawesome/css $V/fontawesome/webfonts $V/awesome-markers $V/leaflet-draw $V/vectorgrid $V/fullscreen $V/leaflet-measure
cp -r $X/leaflet/package/dist/{leaflet.js,leaflet.css,images} $X/leaflet/package/LICENSE $V/leaflet/
cp $X/jquery/package/dist/jquery.min.js $X/jquery/package/LICENSE.txt $V/jquery/
cp $X/bootstrap/package/dist/js/bootstrap.bundle.min.js $X/bootstrap/package/dist/css/bootstrap.min.css $X/bootstrap/package/LICENSE $V/bootstrap/
cp $X/fa/package/css/all.min.css $V/fontawesome/css/
cp $X/fa/package/webfonts/*.woff2 $X/fa/package/webfonts/*.ttf $V/fontawesome/webfonts/
cp $X/fa/package/LICENSE.txt $V/fontawesome/
cp -r $X/am/package/js/leaflet.awesome-markers.min.js $X/am/package/css/leaflet.awesome-markers.css $X/am/package/css/images $V/awesome-markers/
cp -r $X/draw/package/dist/{leaflet.draw.js,leaflet.draw.css,images} $V/leaflet-draw/
cp $X/vg/package/dist/Leaflet.VectorGrid.bundled.min.js $V/vectorgrid/
cp $X/fs/package/{Control.FullScreen.js,Control.FullScreen.css,icon-fullscreen.svg,LICENSE} $V/fullscreen/
cp -r $X/lm/package/dist/{leaflet-measure.cn.js,leaflet-measure.en.js,leaflet-measure.css,assets} $X/lm/package/LICENSE $V/leaflet-measure/
echo "vendored into $V"
