// ScalableService: an HTTP service on Kubernetes that is correct by construction (Deployment, Service, probes, HPA, PDB, NetworkPolicy, ServiceAccount).
package orchestration
