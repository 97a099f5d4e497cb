"""What an operator watches: Prometheus metrics and the request log (text or JSON lines)."""
