"""The city instance: street offices, service agreements and the activity log."""
