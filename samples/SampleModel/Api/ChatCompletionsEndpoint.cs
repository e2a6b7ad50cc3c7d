using InferenceGateway.SampleModel.LanguageModel;
using InferenceGateway.SampleModel.Tokenization;

using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace InferenceGateway.SampleModel.Api;

/// <summary>OpenAI's POST /v1/chat/completions, answering with one JSON body or, with "stream": true, with server-sent events.</summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(
        HttpContext context,
        ChatCompletionService completions,
        TokenCounter tokens,
        TimeProvider time,
        IOptions<SampleModelOptions> options)
    {
        ChatCompletionRequest body = await JsonBody.ReadObjectAsync(
            context.Request, SampleModelJsonContext.Wire.ChatCompletionRequest, context.RequestAborted);
        ValidChatRequest request = ChatCompletionRequestValidator.Validate(body);

        int promptTokens = request.PromptTexts.Sum(tokens.Count);
        // The reply is generated whole even when streamed: it takes microseconds, and it makes a streamed reply and a
        // non-streamed one with the same seed identical, token budget and finish reason included.
        Completion completion = completions.Complete(
            new CompletionSettings(request.LastUserMessage, request.MaxTokens, request.Temperature, request.Seed));
        var usage = new CompletionUsage(promptTokens, completion.CompletionTokens, promptTokens + completion.CompletionTokens);
        string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        long created = time.GetUtcNow().ToUnixTimeSeconds();

        if (!request.Stream)
        {
            var response = new ChatCompletionResponse(
                id,
                "chat.completion",
                created,
                request.Model,
                [new ChatCompletionChoice(0, new AssistantMessage("assistant", completion.Text, null), null, completion.FinishReason)],
                usage);
            await context.Response.WriteAsJsonAsync(
                response, SampleModelJsonContext.Wire.ChatCompletionResponse, "application/json", context.RequestAborted);
            return;
        }

        var writer = new ChatCompletionChunkWriter(context.Response.BodyWriter, id, created, request.Model, request.IncludeUsage);
        await StreamAsync(
            context,
            writer,
            tokens.SplitAtTokenBoundaries(completion.Text),
            completion.FinishReason,
            request.IncludeUsage ? usage : null,
            TimeSpan.FromMilliseconds(options.Value.StreamChunkDelayMilliseconds),
            time);
    }

    private static async Task StreamAsync(
        HttpContext context,
        ChatCompletionChunkWriter writer,
        List<string> pieces,
        string finishReason,
        CompletionUsage? usage,
        TimeSpan delay,
        TimeProvider time)
    {
        CancellationToken aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        // Response compression or buffering would hold events back, defeating the point of streaming.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        try
        {
            await writer.WriteRoleAsync(aborted);
            foreach (string piece in pieces)
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, time, aborted);
                }

                await writer.WriteContentAsync(piece, aborted);
            }

            await writer.WriteFinishAsync(finishReason, aborted);
            if (usage is not null)
            {
                await writer.WriteUsageAsync(usage, aborted);
            }

            await writer.WriteDoneAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away mid-stream; there is nobody left to tell.
        }
    }
}