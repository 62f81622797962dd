"""Read and write: decoding bytes, HTML extraction."""
