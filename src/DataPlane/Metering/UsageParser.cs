using System.Text.Json;

namespace InferenceGateway.DataPlane.Metering;

internal enum UsageStatus
{
    /// <summary>No usage in the body (or <c>"usage": null</c>, or no token field in it).</summary>
    Absent,

    Reported,

    /// <summary>A usage the node does not trust: a count that is negative, too large, fractional or not a number.</summary>
    Malformed,
}

internal readonly record struct UsageResult(UsageStatus Status, long InputTokens, long OutputTokens);

/// <summary>
/// Reads OpenAI-style <c>usage</c> from a JSON object: <c>prompt_tokens</c>/<c>completion_tokens</c> (chat,
/// completions, embeddings) or <c>input_tokens</c>/<c>output_tokens</c> (responses). The counts come from the
/// tenant's endpoint, which the gateway does not trust: anything but a whole number from 0 to the configured
/// maximum makes the whole usage malformed, and it is ignored.
/// </summary>
internal static class UsageParser
{
    public static UsageResult Read(ReadOnlySpan<byte> json, long max)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isUsage = reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (!isUsage)
                {
                    reader.Skip();
                    continue;
                }

                return reader.TokenType switch
                {
                    JsonTokenType.Null => default,
                    JsonTokenType.StartObject => ReadUsage(ref reader, max),
                    _ => new UsageResult(UsageStatus.Malformed, 0, 0),
                };
            }
        }
        catch (JsonException)
        {
            // Not JSON after all (or cut short): nothing to read.
        }

        return default;
    }

    private static UsageResult ReadUsage(ref Utf8JsonReader reader, long max)
    {
        long? input = null;
        long? output = null;
        var malformed = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8) ? 1
                : reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8) ? 2
                : 0;
            reader.Read();
            if (which == 0)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0 || value > max)
            {
                malformed = true;
                reader.Skip();
                continue;
            }

            if (which == 1)
            {
                input = value;
            }
            else
            {
                output = value;
            }
        }

        if (malformed)
        {
            return new UsageResult(UsageStatus.Malformed, 0, 0);
        }

        return input is null && output is null ? default : new UsageResult(UsageStatus.Reported, input ?? 0, output ?? 0);
    }
}
