using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>
/// The one place exceptions become responses: client mistakes the framework detects (malformed JSON, wrong
/// content type) become 4xx ProblemDetails; a unique-key race becomes 409; anything else is a 500 that says
/// nothing about internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return true;
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (400, "Bad request", DescribeJson(json)),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", DescribeBadRequest(bad)),
            DbUpdateConcurrencyException => (409, "Conflict", "The object was changed by another request at the same time; read it again and retry."),
            DbUpdateException db when IsUniqueViolation(db) => (409, "Conflict", "An object with the same unique value already exists."),
            _ when IsBadCharacter(exception) => (400, "Bad request", "A value contains a character the database cannot store (a control character or invalid Unicode)."),
            _ => (500, "Internal server error", "An unexpected error occurred. Quote the trace id when you report it."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static string DescribeJson(JsonException json)
    {
        var where = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? string.Empty : $" at '{json.Path}'";
        return json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"The request body has a property this operation does not know{where}."
            : $"The request body is not valid JSON for this operation{where}: check the syntax and the value types.";
    }

    private static string DescribeBadRequest(BadHttpRequestException bad) => bad.StatusCode switch
    {
        StatusCodes.Status415UnsupportedMediaType => "Send the request body as application/json.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        _ when bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) => "The request body is missing or cannot be read as JSON.",
        _ => "A route or query parameter has an invalid value.",
    };

    internal static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    /// <summary>PostgreSQL's 22021 (for example a NUL in text): a safety net behind <see cref="ControlCharacterFilter"/>.</summary>
    internal static bool IsBadCharacter(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
