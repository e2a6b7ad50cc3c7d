using System.Diagnostics;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.Security.Keys;
using Yarp.ReverseProxy.Forwarder;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// What crosses the gateway in each direction. Upstream gets the client's request minus its credentials,
/// cookies, self-made forwarding headers and internal headers, plus the endpoint's own credential. The client
/// gets the upstream's response minus banners and cookies; an upstream server error becomes a generic 502 so
/// no host, stack trace or model metadata leaks.
/// </summary>
internal sealed class UpstreamTransformer : HttpTransformer
{
    /// <summary>Request headers never forwarded: client credentials, cookies, and anything a client could use to pose as the gateway.</summary>
    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "X-API-Key", "Cookie", "Forwarded", "X-Real-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host",
        "X-Original-Method", "X-HTTP-Method-Override", "Proxy-Authorization", "X-Request-Id", "X-Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "X-Cluster-Client-IP", "Client-IP",
    };

    private static readonly string[] DroppedResponseHeaders =
    [
        "Server", "X-Powered-By", "Set-Cookie", "X-AspNet-Version", "X-AspNetMvc-Version", "X-Runtime", "X-Backend-Server", "Via", "X-Upstream",
        "Content-Location", "Alt-Svc",
    ];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var request = httpContext.Gateway();
        RemoveUnsafeHeaders(httpContext.Request.Headers);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        var route = request.Route!;
        proxyRequest.RequestUri = new Uri(string.Concat(route.BaseUrl, request.RawRest, request.RawQuery), UriKind.Absolute);
        proxyRequest.Headers.Host = null;
        if (route.UpstreamHeaderName is { } name)
        {
            // The endpoint's credential replaces anything the client sent under the same name.
            proxyRequest.Headers.Remove(name);
            proxyRequest.Headers.TryAddWithoutValidation(name, route.UpstreamHeaderValue);
        }

        proxyRequest.Headers.TryAddWithoutValidation("X-Request-Id", request.RequestId);
        if (route.OutputHardening is not null)
        {
            // Hardening reads the answer: ask for it uncompressed (a compressed answer is refused, never passed unhardened).
            proxyRequest.Headers.AcceptEncoding.Clear();
        }

        request.UpstreamStartTimestamp = Stopwatch.GetTimestamp();
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var request = httpContext.Gateway();
        request.UpstreamHeadersTimestamp = Stopwatch.GetTimestamp();
        if (proxyResponse is null)
        {
            return false;
        }

        if ((int)proxyResponse.StatusCode >= 500)
        {
            await GatewayProblem.WriteAsync(httpContext, StatusCodes.Status502BadGateway, "Bad gateway", "The model endpoint returned an error.");
            return false;
        }

        if ((int)proxyResponse.StatusCode is >= 300 and < 400 && proxyResponse.StatusCode != System.Net.HttpStatusCode.NotModified)
        {
            // Redirects are not followed, and their Location would name the upstream's host.
            await GatewayProblem.WriteAsync(httpContext, StatusCodes.Status502BadGateway, "Bad gateway", "The model endpoint answered with a redirect, which the gateway does not follow.");
            return false;
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        foreach (var header in DroppedResponseHeaders)
        {
            headers.Remove(header);
        }

        headers["X-Request-Id"] = request.RequestId;
        return request.Route?.OutputHardening is { } hardening
            ? await hardening.ApplyAsync(httpContext, proxyResponse, cancellationToken)
            : true;
    }

    /// <summary>
    /// Removes the headers that must not reach a model endpoint before the headers are copied: the fixed list, every
    /// X-Forwarded-* and X-Igw-* header, and any header that carries one of our API keys.
    /// </summary>
    internal static void RemoveUnsafeHeaders(IHeaderDictionary headers)
    {
        List<string>? drop = null;
        foreach (var (name, values) in headers)
        {
            if (DroppedRequestHeaders.Contains(name)
                || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("X-Igw-", StringComparison.OrdinalIgnoreCase)
                || CarriesKey(values))
            {
                (drop ??= []).Add(name);
            }
        }

        if (drop is not null)
        {
            foreach (var name in drop)
            {
                headers.Remove(name);
            }
        }
    }

    private static bool CarriesKey(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && value.Contains(ApiKeyText.Prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
