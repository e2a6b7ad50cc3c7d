using System.Text;
using InferenceGateway.DataPlane.Metering;

namespace InferenceGateway.DataPlane.Tests.Metering;

/// <summary>Usage read from answers as they pass, whatever the chunking; the node's own usage event kept from the client.</summary>
public sealed class MeteredStreamTests
{
    private const string Events =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}],\"usage\":null}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}],\"usage\":null}\r\n\r\n"
        + "data: {\"choices\": [ ],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}\n\n"
        + "data: [DONE]\n\n";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task EventStream_StripsTheUsageEventTheClientDidNotAskFor_AtAnyChunking(int chunk)
    {
        var capture = new UsageCapture(1 << 20, 1_000_000) { EventStream = true, KeepCopy = true, StripUsageEvent = true };

        var output = await ReadAllAsync(new MeteredStream(new ChunkedStream(Encoding.UTF8.GetBytes(Events), chunk), capture), chunk);

        Assert.Equal(Events.Replace("data: {\"choices\": [ ],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}\n\n", string.Empty, StringComparison.Ordinal), output);
        Assert.Equal((UsageStatus.Reported, 9L, 2L), (capture.Usage.Status, capture.Usage.InputTokens, capture.Usage.OutputTokens));
        Assert.Equal(Encoding.UTF8.GetByteCount(output), capture.BytesOut);
    }

    [Fact]
    public async Task EventStream_ClientAskedForUsage_PassesEverything()
    {
        var capture = new UsageCapture(1 << 20, 1_000_000) { EventStream = true, KeepCopy = true };

        var output = await ReadAllAsync(new MeteredStream(new ChunkedStream(Encoding.UTF8.GetBytes(Events), 5), capture), 64);

        Assert.Equal(Events, output);
        Assert.Equal(9, capture.Usage.InputTokens);
    }

    [Fact]
    public async Task JsonAnswer_UsageReadAtTheEnd_BytesCounted()
    {
        var body = """{"usage":{"prompt_tokens":3,"completion_tokens":4},"choices":[]}""";
        var capture = new UsageCapture(1 << 20, 1_000_000) { KeepCopy = true };

        var output = await ReadAllAsync(new MeteredStream(new ChunkedStream(Encoding.UTF8.GetBytes(body), 3), capture), 16);

        Assert.Equal(body, output);
        Assert.Equal((UsageStatus.Reported, 3L, 4L, (long)body.Length), (capture.Usage.Status, capture.Usage.InputTokens, capture.Usage.OutputTokens, capture.BytesOut));
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":-1}}""", "Malformed")]
    [InlineData("""{"usage":{"prompt_tokens":1.5}}""", "Malformed")]
    [InlineData("""{"usage":{"completion_tokens":"7"}}""", "Malformed")]
    [InlineData("""{"usage":{"prompt_tokens":2000000}}""", "Malformed")]
    [InlineData("""{"usage":"lots"}""", "Malformed")]
    [InlineData("""{"usage":null}""", "Absent")]
    [InlineData("""{"usage":{"total":1}}""", "Absent")]
    [InlineData("""not json""", "Absent")]
    [InlineData("""{"data":[],"usage":{"prompt_tokens":8,"total_tokens":8}}""", "Reported")]
    public void Parser_TrustsOnlyWholeNumbersWithinTheBound(string json, string expected)
    {
        Assert.Equal(expected, UsageParser.Read(Encoding.UTF8.GetBytes(json), 1_000_000).Status.ToString());
    }

    private static async Task<string> ReadAllAsync(Stream stream, int bufferSize)
    {
        var result = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            result.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(result.ToArray());
    }

    /// <summary>Gives at most <c>chunk</c> bytes per read, as a network would.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
