"""Dashboard entry point (placeholder until the dashboard pages land)."""

import streamlit as st

from analysis.load import load_workbook

survey = load_workbook()
st.title(survey.title)
st.write(f"{len(survey.responses)} / {survey.invited}")
