"""The funding settings, the plan and the ledger pages."""
