"""Running the atlas as several replicas behind a load balancer: see deploy/README.md."""
