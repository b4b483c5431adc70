"""Planners' app (Streamlit): a thin router. Run: ``streamlit run app.py``.

Pages live in ``pages/`` and hold no model logic: they build a scenario in one validated
step, call the cached runner (``ftztwin.appkit``) and draw what it returns. Each page
draws the shared run settings in the sidebar itself, so a page works the same whether
Streamlit runs it under this router or on its own (as ``AppTest.switch_page`` does).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

# No page icons: emoji drew as empty boxes in Chromium here, and Material icons make the
# browser fetch their images from fonts.gstatic.com, which an offline site cannot reach.
st.set_page_config(page_title="ftz-twin 自贸区海关监管孪生", layout="wide")
pages = [
    st.Page(HERE / "pages/scenario.py", title="Scenario 情景", default=True),
    st.Page(HERE / "pages/run.py", title="Run 运行"),
    st.Page(HERE / "pages/compare.py", title="Compare 对比"),
    st.Page(HERE / "pages/staffing.py", title="Staffing 人员编制"),
    st.Page(HERE / "pages/monitoring.py", title="Map & monitoring 地图与监控"),
    st.Page(HERE / "pages/experiments.py", title="Experiments 实验"),
    st.Page(HERE / "pages/now.py", title="Now 现状推演"),
    st.Page(HERE / "pages/downloads.py", title="Downloads 下载"),
]
st.navigation(pages).run()
