using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>Section <c>DataPlane:Metering</c>: usage metering, its batches to the control plane and its local journal.</summary>
public sealed class MeteringOptions
{
    public const string Section = "DataPlane:Metering";

    /// <summary>Off only to measure what metering costs (bench): the node then reports no usage and enforces no quota.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a <c>UsageReported</c> batch goes out.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The journal of batches not yet delivered; relative paths are under <c>DataPlane:StateDirectory</c>.</summary>
    public string JournalFile { get; set; } = "usage-journal.jsonl";

    /// <summary>Count tokens with a tokenizer (cl100k_base) when a model reports no usage.</summary>
    public bool EstimateTokens { get; set; } = true;

    /// <summary>A reported token count above this is not trusted (ignored and counted as malformed).</summary>
    public long MaxTokensPerResponse { get; set; } = 10_000_000;

    /// <summary>The largest JSON response body read for its <c>usage</c>; larger ones are forwarded without it.</summary>
    public int MaxUsageBodyBytes { get; set; } = 4 * 1024 * 1024;
}

internal sealed class MeteringOptionsValidator : IValidateOptions<MeteringOptions>
{
    public ValidateOptionsResult Validate(string? name, MeteringOptions options)
    {
        var errors = new List<string>();
        if (options.ReportInterval < TimeSpan.FromMilliseconds(100) || options.ReportInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{MeteringOptions.Section}:ReportInterval is from 100 ms to 1 minute.");
        }

        if (string.IsNullOrWhiteSpace(options.JournalFile))
        {
            errors.Add($"{MeteringOptions.Section}:JournalFile is required.");
        }

        if (options.MaxTokensPerResponse < 1)
        {
            errors.Add($"{MeteringOptions.Section}:MaxTokensPerResponse is at least 1.");
        }

        if (options.MaxUsageBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"{MeteringOptions.Section}:MaxUsageBodyBytes is from 1024 to 67108864.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
