// Filled by the DNS providers work.
