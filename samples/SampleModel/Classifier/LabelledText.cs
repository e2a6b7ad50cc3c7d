namespace InferenceGateway.SampleModel.Classifier;

internal sealed record LabelledText(string Label, string Text);

internal sealed record Classification(string Label, IReadOnlyDictionary<string, double> Scores);