"""Services and cores: turning request parameters into one SQL query over a table."""
