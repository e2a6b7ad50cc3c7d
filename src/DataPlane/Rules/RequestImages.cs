using System.Buffers;
using System.Text.Json;
using InferenceGateway.Contracts.Snapshots;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace InferenceGateway.DataPlane.Rules;

/// <summary>Thrown when the envelope around the images (JSON, multipart, base64) cannot be read: a 400, not an image rule.</summary>
internal sealed class MalformedImageBodyException(string message) : Exception(message);

/// <summary>
/// Finds the images in a buffered request body and checks each against the endpoint's rules, stopping at the first
/// failure: the whole body for a raw upload, every file part of multipart/form-data, every base64 string (or data URL)
/// at the configured paths of a JSON body.
/// </summary>
internal static class RequestImages
{
    private const int MaxJsonDepth = 64;

    public static async Task<ImageRefusal?> CheckAsync(ImageRules rules, string? contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType);
        var type = mediaType?.MediaType.Value ?? string.Empty;
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return CheckJson(rules, body);
        }

        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType!.Boundary).Value;
            if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
            {
                throw new MalformedImageBodyException("The multipart/form-data body has no valid boundary.");
            }

            return await CheckMultipartAsync(rules, boundary, body, cancellationToken);
        }

        return rules.Check(body.Span, 1, "the request body");
    }

    private static ImageRefusal? CheckJson(ImageRules rules, ReadOnlyMemory<byte> body)
    {
        if (rules.JsonPaths.Count == 0)
        {
            return null; // the endpoint takes no images in JSON: nothing here is decoded as one
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException)
        {
            throw new MalformedImageBodyException("The JSON body could not be parsed, so its images cannot be checked.");
        }

        using (document)
        {
            var count = 0;
            foreach (var path in rules.JsonPaths)
            {
                // An array where a string was expected is checked element by element: a model that takes either must not
                // get an unchecked list because the path was written for one image.
                foreach (var value in Find(document.RootElement, path, 0).SelectMany(v => v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : (IEnumerable<JsonElement>)[v]))
                {
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (++count > rules.MaxImages)
                    {
                        return rules.TooMany(count);
                    }

                    if (CheckBase64(rules, value, count) is { } refusal)
                    {
                        return refusal;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>Every value at the path. All properties of a name are visited, so a duplicate key cannot hide an image.</summary>
    private static IEnumerable<JsonElement> Find(JsonElement element, IReadOnlyList<JsonPathSegment> path, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        var segment = path[depth];
        foreach (var property in element.EnumerateObject())
        {
            if (!property.NameEquals(segment.Name))
            {
                continue;
            }

            IEnumerable<JsonElement> values = segment.EachElement
                ? property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray() : []
                : [property.Value];
            foreach (var value in values)
            {
                if (depth == path.Count - 1)
                {
                    yield return value;
                }
                else
                {
                    foreach (var inner in Find(value, path, depth + 1))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    private static ImageRefusal? CheckBase64(ImageRules rules, JsonElement value, int index)
    {
        var text = value.GetString()!;
        var data = text.AsSpan();
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = data.IndexOf(',');
            if (comma < 0 || !data[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw new MalformedImageBodyException($"Image {index} is a data URL that is not base64 encoded.");
            }

            data = data[(comma + 1)..];
        }

        // The decoded size is known from the length: a huge string is refused before it is decoded.
        var decodedMax = (long)data.Length / 4 * 3;
        if (decodedMax > rules.MaxEncodedBytes + 2)
        {
            return rules.TooLarge(index, "a JSON field", decodedMax);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)decodedMax + 3);
        try
        {
            if (!Convert.TryFromBase64Chars(data, buffer, out var written))
            {
                throw new MalformedImageBodyException($"Image {index} is not valid base64 (the gateway accepts only inline images at this model's image fields).");
            }

            return rules.Check(buffer.AsSpan(0, written), index, "a JSON field");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static async Task<ImageRefusal?> CheckMultipartAsync(ImageRules rules, string boundary, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var stream = new ReadOnlyMemoryStream(body);
        var reader = new MultipartReader(boundary, stream) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var count = 0;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(rules.MaxEncodedBytes + 1, 1024 * 1024));
        try
        {
            while (true)
            {
                MultipartSection? section;
                try
                {
                    section = await reader.ReadNextSectionAsync(cancellationToken);
                }
                catch (Exception malformed) when (malformed is InvalidDataException or IOException)
                {
                    throw new MalformedImageBodyException("The multipart/form-data body is malformed.");
                }

                if (section is null)
                {
                    return null;
                }

                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    throw new MalformedImageBodyException("A part of the multipart/form-data body has no form-data Content-Disposition.");
                }

                if (!disposition.IsFileDisposition())
                {
                    continue; // a plain form field, not a file
                }

                if (++count > rules.MaxImages)
                {
                    return rules.TooMany(count);
                }

                var length = 0;
                try
                {
                    while (true)
                    {
                        if (length == buffer.Length)
                        {
                            if (length > rules.MaxEncodedBytes)
                            {
                                break;
                            }

                            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, rules.MaxEncodedBytes + 1));
                            buffer.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                            buffer = larger;
                        }

                        var read = await section.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                        if (read == 0)
                        {
                            break;
                        }

                        length += read;
                    }
                }
                catch (Exception malformed) when (malformed is InvalidDataException or IOException)
                {
                    throw new MalformedImageBodyException("The multipart/form-data body is malformed.");
                }

                if (rules.Check(buffer.AsSpan(0, length), count, $"file part '{Shorten(disposition.Name.Value)}'") is { } refusal)
                {
                    return refusal;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static string Shorten(string? name)
    {
        var clean = HeaderUtilities.RemoveQuotes(name).Value ?? string.Empty;
        clean = new string(clean.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '[' or ']').Take(40).ToArray());
        return clean;
    }
}
