using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace InferenceGateway.DataPlane.Cluster;

/// <summary>
/// A Lua script shipped as an embedded resource (<c>Cluster/Scripts/*.lua</c>), run with EVALSHA and, when the server
/// does not know it yet (a fresh or restarted Redis), once with EVAL, which also caches it there.
/// </summary>
internal sealed class RedisScript
{
    private readonly byte[] _sha1;

    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
        _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
    }

    public string Name { get; }

    public string Text { get; }

    /// <summary>Loads <c>Cluster/Scripts/{fileName}</c> from this assembly.</summary>
    public static RedisScript Load(string fileName)
    {
        var assembly = typeof(RedisScript).Assembly;
        var resource = $"{assembly.GetName().Name}.Cluster.Scripts.{fileName}";
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The Lua script {fileName} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new RedisScript(fileName, reader.ReadToEnd());
    }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
