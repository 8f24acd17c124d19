"""Run the dashboard as a data owner would: several replicas behind HAProxy, PostgreSQL for the
workshop store. `python -m deploy up` / `python -m deploy down`; see docs/deployment.md."""
