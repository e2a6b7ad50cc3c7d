using InferenceGateway.SampleModel;

SampleModelHost.Create(args).Run();