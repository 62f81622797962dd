"""Speed-ups that never change a result: candidate lines, joined scans, the Hyperscan prefilter."""
