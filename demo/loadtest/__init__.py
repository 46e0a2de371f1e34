"""The pages' load test: a plan of who logs in (plan.py, Django) and the
locustfile that drives the site with it (locustfile.py, no Django)."""
