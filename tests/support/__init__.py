"""What tests share: configurations, waiting, live servers, reading streams and metrics.
Tests import these from here, never from one another."""
