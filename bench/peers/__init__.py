"""The peers benchmark suite's parts: pure statistics and scheduling, the load
client, and the launchers of the servers compared (fake engine, nginx, LiteLLM,
vlgate). ``bench/suite.py`` wires them together."""
