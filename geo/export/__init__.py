"""Print exports: map sheets (PNG/PDF), the meeting brief (PDF/PPTX). Pure matplotlib.

``geo.export.sheet.render_sheet`` draws one map sheet; ``geo.export.maps.spec_for``
says what a page's map shows; ``geo.export.brief.build_brief`` assembles the brief.
"""
