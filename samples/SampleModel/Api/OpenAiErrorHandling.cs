namespace InferenceGateway.SampleModel.Api;

/// <summary>Makes every failure, expected or not, leave the server in OpenAI's error shape so that OpenAI clients can parse it.</summary>
internal static class OpenAiErrorHandling
{
    public static IApplicationBuilder UseOpenAiErrors(this IApplicationBuilder app)
    {
        // A bug still answers in the OpenAI shape; the exception handler logs it, and ignores requests the client abandoned.
        app.UseExceptionHandler(failed => failed.Run(context =>
        {
            var error = new ErrorResponse(new ErrorDetail(
                "The server had an error while processing your request.", "server_error", null, null));
            return WriteAsync(context, StatusCodes.Status500InternalServerError, error);
        }));

        // Rejected requests are the client's mistake, not the server's, so they bypass the exception handler and its error log.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (InvalidRequestException rejected) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, rejected.StatusCode, rejected.ToResponse());
            }
        });
        return app;
    }

    public static Task WriteAsync(HttpContext context, int statusCode, ErrorResponse error)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(error, SampleModelJsonContext.Wire.ErrorResponse, "application/json", context.RequestAborted);
    }
}