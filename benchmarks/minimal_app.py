"""The baseline for benchmark 2 and 4: the least a one-chart Streamlit app can do.

One selectbox and one horizontal Plotly bar chart whose numbers change with it — no data
loading, no sidebar, no caching. Whatever our dashboard costs beyond this is ours.

Run: `streamlit run benchmarks/minimal_app.py`.
"""

import plotly.graph_objects as go
import streamlit as st

MUNICIPALITIES = ["Alle", "Grong", "Lierne", "Namsskogan", "Røyrvik"]
SHARES = {  # share (%) per role, one row per choice: every choice draws different numbers
    "Alle": (62.0, 41.0), "Grong": (58.3, 44.4), "Lierne": (70.0, 37.5),
    "Namsskogan": (55.6, 50.0), "Røyrvik": (66.7, 28.6),
}

choice = st.selectbox("Kommune", MUNICIPALITIES, key="kommune")
shares = SHARES[choice]
figure = go.Figure(go.Bar(x=list(shares), y=["Administrasjon", "Folkevalgte"], orientation="h",
                          text=[f"{value:.1f} %" for value in shares]))
figure.update_layout(title=f"Andel i stor/svært stor grad – {choice}", height=320, xaxis_range=[0, 100])
st.plotly_chart(figure, key="chart")
