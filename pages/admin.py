"""Accounts and the action log (admins only): add a planner, change a role, towns or password,
disable an account; who signed in, imported and exported, when."""

import streamlit as st

from geo import accounts, edits
from geo.errors import PlannerError
from ui import auth, data, state, tracking, widgets

t = state.t
lang = state.lang()
me = auth.user()
st.title(t("page.admin"))
if not (me.is_admin or me.local):
    st.error(t("admin.only"))
    st.stop()

location = data.store_path()
towns = data.current().towns
town_names = dict(zip(towns["town_code"], towns["name_zh"], strict=True))
roles = list(accounts.ROLES)

st.subheader(t("admin.users"))
users = accounts.list_users(location)
widgets.dataframe(tracking.display(users, ["username", "display_name", "role", "towns", "platforms",
                                      "disabled", "sso_only", "created_at"], data.layers()),
             hide_index=True)

c1, c2 = st.columns(2)
with c1.form("admin.add_form"):
    st.markdown(f"**{t('admin.add')}**")
    name = st.text_input(t("col.username"), key="admin.add.name")
    shown_name = st.text_input(t("col.display_name"), key="admin.add.display")
    role = st.selectbox(t("admin.role"), roles, index=1, key="admin.add.role",
                        format_func=lambda r: t(f"enum.role.{r}"))
    scope = widgets.multiselect(t("admin.towns"), list(town_names), key="admin.add.towns",
                           format_func=lambda c: town_names.get(c, c))
    password = st.text_input(t("auth.password"), type="password", key="admin.add.password")
    if st.form_submit_button(t("admin.add"), type="primary"):
        try:
            accounts.add_user(location, name, role=role, password=password or None, actor=me,
                              towns=scope, display_name=shown_name)
            st.success(t("admin.add_done", name=name))
        except PlannerError as exc:
            st.error(exc.text(lang))

if len(users):
    with c2.form("admin.update_form"):
        st.markdown(f"**{t('admin.update')}**")
        who = st.selectbox(t("col.username"), users["username"].tolist(), key="admin.upd.name")
        row = users.set_index("username").loc[who]
        new_role = st.selectbox(t("admin.role"), roles, index=roles.index(row["role"]),
                                key=f"admin.upd.role.{who}",
                                format_func=lambda r: t(f"enum.role.{r}"))
        current = [c for c in str(row["towns"] or "").split(",") if c]
        new_towns = widgets.multiselect(t("admin.towns"), list(town_names), default=current,
                                   key=f"admin.upd.towns.{who}",
                                   format_func=lambda c: town_names.get(c, c))
        off = st.checkbox(t("admin.disabled"), value=bool(row["disabled"]),
                          key=f"admin.upd.disabled.{who}")
        new_password = st.text_input(t("admin.new_password"), type="password",
                                     key=f"admin.upd.password.{who}")
        if st.form_submit_button(t("admin.update"), type="primary"):
            try:
                accounts.update_user(location, who, actor=me, role=new_role, towns=new_towns,
                                     disabled=off, password=new_password or None)
                st.success(t("admin.update_done", name=who))
            except PlannerError as exc:
                st.error(exc.text(lang))

st.subheader(t("admin.log"))
log = accounts.actions(location)
log = log.assign(at=edits.beijing_time(log["at"]))
widgets.dataframe(tracking.display(log.head(500), ["at", "user", "action", "detail"], data.layers()),
             hide_index=True, height=320)
