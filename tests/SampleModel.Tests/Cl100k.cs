using Microsoft.ML.Tokenizers;

namespace InferenceGateway.SampleModel.Tests;

/// <summary>The reference tokenizer the server's usage numbers are checked against, built independently of the server.</summary>
internal static class Cl100k
{
    private static readonly TiktokenTokenizer Tokenizer = TiktokenTokenizer.CreateForModel("gpt-4");

    public static int Count(string text)
    {
        return Tokenizer.CountTokens(text);
    }
}