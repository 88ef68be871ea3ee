"""nbkit: contract tests and key audits for the Nano Banana Video API."""
