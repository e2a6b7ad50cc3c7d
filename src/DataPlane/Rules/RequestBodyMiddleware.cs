using System.Buffers;
using System.Text;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.Security.Keys;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceGateway.DataPlane.Rules;

/// <summary>
/// Input rules on the body: the plan's size limit (413 at once for a declared length over it, and as soon as a
/// chunked body crosses it) and no API key of ours in the body, so a client's credential never reaches a model
/// endpoint. The body is read into pooled memory before anything is sent upstream: the upstream never sees
/// part of a request that is then refused.
/// </summary>
internal sealed class RequestBodyMiddleware(RequestDelegate next, BufferBudget budget)
{
    private const int InitialBuffer = 64 * 1024;
    private static readonly byte[] KeyPrefix = Encoding.ASCII.GetBytes(ApiKeyText.Prefix);

    public async Task InvokeAsync(HttpContext context)
    {
        var httpRequest = context.Request;
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true })
        {
            // A tunnel would carry bytes past every rule here; refused until the gateway inspects such sessions.
            await GatewayProblem.WriteAsync(context, StatusCodes.Status501NotImplemented, "Not implemented", "The gateway does not forward protocol upgrades (WebSocket).");
            return;
        }

        var max = context.Gateway().Tenant!.Plan.MaxRequestBodyBytes;
        if (httpRequest.ContentLength is { } declared && declared > max)
        {
            await TooLargeAsync(context, max);
            return;
        }

        // HTTP/2 and HTTP/3 bodies carry no Content-Length or Transfer-Encoding: ask the server whether there is one.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || httpRequest.ContentLength == 0)
        {
            await next(context);
            return;
        }

        // The plan's limit is the one that counts; the server's default must not cut in first.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        // Start small whatever length is declared, and grow as bytes arrive: a declared length costs nothing until sent.
        var initial = (int)Math.Min(Math.Min(httpRequest.ContentLength ?? InitialBuffer, InitialBuffer), max + 1);
        if (!budget.TryReserve(initial))
        {
            await BusyAsync(context);
            return;
        }

        long reserved = initial;
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > max)
                    {
                        break;
                    }

                    var size = (int)Math.Min((long)buffer.Length * 2, max + 1);
                    if (!budget.TryReserve(size))
                    {
                        await BusyAsync(context);
                        return;
                    }

                    reserved += size;
                    var larger = ArrayPool<byte>.Shared.Rent(size);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    budget.Release(reserved - size);
                    reserved = size;
                    buffer = larger;
                }

                var read = await httpRequest.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > max)
                {
                    break;
                }
            }

            if (length > max)
            {
                await TooLargeAsync(context, max);
                return;
            }

            if (ContainsApiKey(buffer.AsSpan(0, length)))
            {
                await GatewayProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request",
                    "The request body contains an API key. Send keys only in the Authorization or X-API-Key header.");
                return;
            }

            httpRequest.Body = new MemoryStream(buffer, 0, length, writable: false, publiclyVisible: true); // visible: the image rules read it in place
            httpRequest.ContentLength = length;
            httpRequest.Headers.TransferEncoding = default;
            await next(context);
        }
        finally
        {
            // Prompts are tenant data: do not leave them in pooled memory.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            budget.Release(reserved);
        }
    }

    internal static bool ContainsApiKey(ReadOnlySpan<byte> body)
    {
        Span<char> candidate = stackalloc char[ApiKeyText.Length];
        for (var i = body.IndexOf(KeyPrefix); i >= 0; i = Next(body, i))
        {
            if (body.Length - i >= ApiKeyText.Length)
            {
                Encoding.ASCII.GetChars(body.Slice(i, ApiKeyText.Length), candidate);
                if (ApiKeyText.IsWellFormed(candidate))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int Next(ReadOnlySpan<byte> body, int current)
    {
        var next = body[(current + 1)..].IndexOf(KeyPrefix);
        return next < 0 ? -1 : next + current + 1;
    }

    private static Task BusyAsync(HttpContext context)
    {
        // The rest of the body stays unread: close the connection after the answer.
        context.Response.Headers.Connection = "close";
        context.Response.Headers.RetryAfter = "1";
        return GatewayProblem.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
            "The gateway node holds as many request bodies as it can right now. Retry in a moment.", GatewayProblem.BufferBudgetType);
    }

    private static Task TooLargeAsync(HttpContext context, long max)
    {
        // The rest of an oversized body is not worth reading: close the connection after the answer.
        context.Response.Headers.Connection = "close";
        return GatewayProblem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload too large",
            $"The request body is larger than the plan allows ({max} bytes).");
    }
}
