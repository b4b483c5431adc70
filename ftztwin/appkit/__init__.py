"""The planners' app kit: data shaping and charts for the Streamlit pages (no model logic).

``runs`` runs scenarios and keeps results by digest; ``frames``, ``compare``, ``staffing``
and ``monitor`` turn results and event logs into tables; ``charts`` draws them;
``form`` describes the scenario form; ``session`` is the Streamlit glue the pages share
(the only module here that imports Streamlit).
"""

from ftztwin.appkit.runs import RunResult, RunSettings, RunStore, run_scenario, with_run_settings

__all__ = ["RunResult", "RunSettings", "RunStore", "run_scenario", "with_run_settings"]
