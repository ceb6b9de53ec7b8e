"""Operations: traces and metrics (OpenTelemetry, Prometheus), each off unless
configured. May import contract and v1 only.
"""
