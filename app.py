"""Planners' app (Streamlit): a thin shell over the twin. Run: ``streamlit run app.py``.

No model logic lives here: pages load a validated scenario, call the cached runner and
draw the records it returns.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ftztwin.errors import UserError
from ftztwin.report import kpi_table
from ftztwin.scenario import digest, load_scenario
from twin.experiment import run_experiment, summarise

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@st.cache_data(show_spinner=False)
def _run(path: str, sha: str, replications: int) -> str:
    scenario = load_scenario(path)
    return kpi_table(summarise(run_experiment(scenario, replications)))


def main() -> None:
    st.set_page_config(page_title="ftz-twin", layout="wide")
    st.title("ftz-twin — Shanghai FTZ customs supervision twin")
    files = sorted(p.name for p in SCENARIOS.glob("*.yaml"))
    choice = st.selectbox(
        "Scenario",
        files,
        index=files.index("reform_2014.yaml") if "reform_2014.yaml" in files else 0,
    )
    try:
        scenario = load_scenario(SCENARIOS / choice)
    except UserError as exc:
        st.error(str(exc))
        return
    reps = st.number_input("Replications", 1, 50, scenario.run.replications)
    if st.button("Run", type="primary"):
        with st.spinner("Running replications…"):
            table = _run(str(SCENARIOS / choice), digest(scenario), int(reps))
        st.code(table, language=None)


main()
