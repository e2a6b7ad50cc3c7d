using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Pipeline;
using Microsoft.Net.Http.Headers;

namespace InferenceGateway.DataPlane.Rules;

/// <summary>
/// An endpoint's output hardening: a successful JSON response is read (up to a bound), rewritten to keep only the top-k
/// scores, round them and drop the listed fields, and sent with its new length. A response that is not JSON, or not
/// of the declared shape, goes out unchanged; one over the bound, or compressed despite the request asking for none,
/// becomes a 502 rather than leaving unhardened.
/// </summary>
internal sealed class OutputHardening(OutputHardeningSnapshot hardening)
{
    private readonly IReadOnlyList<string>? _scoresPath = hardening.ScoresPath?.Split('.');

    private readonly IReadOnlyList<IReadOnlyList<JsonPathSegment>> _removals =
        (hardening.RemoveFields ?? []).Select(p => JsonFieldPath.TryParse(p, out var segments) ? segments : throw new ArgumentException("invalid path", nameof(hardening))).ToList();

    public int MaxResponseBytes { get; } = hardening.MaxResponseBytes;

    /// <summary>Decides the response; true when YARP should copy the body as it is, false when this wrote the answer.</summary>
    public async ValueTask<bool> ApplyAsync(HttpContext context, HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        var content = upstream.Content;
        var mediaType = content.Headers.ContentType?.MediaType ?? string.Empty;
        if ((int)upstream.StatusCode is < 200 or >= 300 or 204
            || HttpMethods.IsHead(context.Request.Method)
            || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return true; // not the declared shape: passed as it is
        }

        if (content.Headers.ContentEncoding.Any(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase)))
        {
            await RefuseAsync(context, "The model endpoint's answer is compressed, so its output rules cannot be applied.");
            return false;
        }

        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            await RefuseAsync(context, "The model endpoint's answer is larger than its output rules allow.");
            return false;
        }

        var original = new byte[(int)Math.Min(content.Headers.ContentLength ?? 16 * 1024, MaxResponseBytes + 1)];
        var length = 0;
        await using (var stream = await content.ReadAsStreamAsync(cancellationToken))
        {
            int read;
            while ((read = await stream.ReadAsync(original.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxResponseBytes)
                {
                    await RefuseAsync(context, "The model endpoint's answer is larger than its output rules allow.");
                    return false;
                }

                if (length == original.Length)
                {
                    Array.Resize(ref original, Math.Min(original.Length * 2, MaxResponseBytes + 1));
                }
            }
        }

        var body = Rewrite(original.AsSpan(0, length)) ?? original.AsSpan(0, length).ToArray();
        var response = context.Response;
        response.Headers.Remove(HeaderNames.ETag);
        response.Headers.Remove("Content-MD5");
        response.Headers.TransferEncoding = default;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
        return false;
    }

    /// <summary>The hardened document, or null when the body is not of the declared shape (it then goes out unchanged).</summary>
    internal byte[]? Rewrite(ReadOnlySpan<byte> json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (Exception notJson) when (notJson is JsonException or ArgumentException or InvalidOperationException)
        {
            return null; // malformed, or a duplicate property name
        }

        if (root is not JsonObject document)
        {
            return null;
        }

        if (_scoresPath is not null && !RewriteScores(document))
        {
            return null;
        }

        foreach (var path in _removals)
        {
            Remove(document, path, 0);
        }

        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    private bool RewriteScores(JsonObject document)
    {
        JsonNode? node = document;
        foreach (var name in _scoresPath!)
        {
            node = node is JsonObject parent && parent.TryGetPropertyValue(name, out var child) ? child : null;
        }

        if (node is JsonArray items)
        {
            // [{"label": .., "score": ..}, ...]: every element must carry a number under the score field.
            var scored = new List<(JsonObject Item, double Score)>(items.Count);
            foreach (var item in items)
            {
                if (item is not JsonObject element || !TryNumber(element[hardening.ScoreField], out var score))
                {
                    return false;
                }

                scored.Add((element, score));
            }

            var kept = Select(scored);
            items.Clear();
            foreach (var (item, score) in kept)
            {
                item[hardening.ScoreField] = Round(score);
                items.Add(item);
            }

            return true;
        }

        if (node is JsonObject map)
        {
            // {"label": score, ...}
            var scored = new List<(string Label, double Score)>(map.Count);
            foreach (var (label, value) in map)
            {
                if (!TryNumber(value, out var score))
                {
                    return false;
                }

                scored.Add((label, score));
            }

            map.Clear();
            foreach (var (label, score) in Select(scored))
            {
                map[label] = Round(score);
            }

            return true;
        }

        return false;
    }

    /// <summary>The highest k (all when no k), highest first; ties keep the upstream's order.</summary>
    private List<(T Item, double Score)> Select<T>(List<(T Item, double Score)> scored)
    {
        var ordered = scored.Select((s, i) => (s, i)).OrderByDescending(x => x.s.Score).ThenBy(x => x.i).Select(x => x.s);
        return (hardening.TopK is { } k ? ordered.Take(k) : ordered).ToList();
    }

    private JsonNode Round(double score) =>
        JsonValue.Create(hardening.ScoreDecimals is { } decimals ? Math.Round(score, decimals, MidpointRounding.AwayFromZero) : score);

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue(out value) && double.IsFinite(value);
    }

    private static void Remove(JsonNode? node, IReadOnlyList<JsonPathSegment> path, int depth)
    {
        if (node is not JsonObject parent)
        {
            return;
        }

        var segment = path[depth];
        if (depth == path.Count - 1)
        {
            parent.Remove(segment.Name);
            return;
        }

        if (!parent.TryGetPropertyValue(segment.Name, out var child))
        {
            return;
        }

        if (segment.EachElement)
        {
            if (child is JsonArray array)
            {
                foreach (var element in array)
                {
                    Remove(element, path, depth + 1);
                }
            }
        }
        else
        {
            Remove(child, path, depth + 1);
        }
    }

    private static Task RefuseAsync(HttpContext context, string detail)
    {
        // The upstream's headers were copied already; none of them belongs on the gateway's own error.
        context.Response.Headers.Clear();
        return GatewayProblem.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad gateway", detail);
    }
}
