using InferenceGateway.Portal;

PortalHost.Create(args).Run();
