"""The worker's configuration: its settings (environment, then `.env`), the secret
allowlist and masking, the files holding its own credentials, and the Temporal
connection (the Python starter's too). May import ops, contract and v1.
"""
