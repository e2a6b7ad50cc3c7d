using System.Net.Sockets;
using System.Text;

namespace InferenceGateway.TestSupport;

/// <summary>The parts of a raw HTTP response a test looks at.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// Sends a request target byte for byte (HttpClient would normalize dot segments and encodings away), for
/// path-trick tests and for anything else HttpClient refuses to send.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, string requestLineAndHeaders, string? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var head = requestLineAndHeaders.TrimEnd('\r', '\n').Replace("\r\n", "\n").Replace("\n", "\r\n");
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var request = $"{head}\r\nHost: {server.Host}:{server.Port}\r\nConnection: close\r\n{(body is null ? string.Empty : $"Content-Length: {bodyBytes.Length}\r\n")}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await stream.WriteAsync(bodyBytes);
        using var reader = new MemoryStream();
        await stream.CopyToAsync(reader);
        return Parse(Encoding.UTF8.GetString(reader.ToArray()));
    }

    /// <summary>Sends <paramref name="request"/> exactly as given (request line, headers and body) and reads the answer.</summary>
    public static async Task<RawResponse> SendExactAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new MemoryStream();
        await stream.CopyToAsync(reader);
        return Parse(Encoding.UTF8.GetString(reader.ToArray()));
    }

    /// <summary>A GET with an exact request target and an API key.</summary>
    public static Task<RawResponse> GetAsync(Uri server, string target, string? key, params string[] extraHeaders)
    {
        var lines = new List<string> { $"GET {target} HTTP/1.1" };
        if (key is not null)
        {
            lines.Add($"Authorization: Bearer {key}");
        }

        lines.AddRange(extraHeaders);
        return SendAsync(server, string.Join("\r\n", lines));
    }

    private static RawResponse Parse(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return new RawResponse(0, [], text);
        }

        var lines = text[..split].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => (l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        var body = text[(split + 4)..];
        if (headers.Any(h => h.Item1.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Item2.Contains("chunked")))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var end = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            var size = Convert.ToInt32(body[position..end].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, end + 2, size);
            position = end + 2 + size + 2;
        }

        return result.ToString();
    }
}
