"""Demo Svc: An example service"""

NAME = "demo-svc"
FEATURES = ["metrics","tracing","queues"]
