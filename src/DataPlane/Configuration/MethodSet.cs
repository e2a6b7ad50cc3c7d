namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// The methods a route forwards, as bits: one comparison per request. Only the default set can be allowed;
/// TRACE, TRACK and CONNECT are outside it, so no configuration can let them through.
/// </summary>
internal readonly record struct MethodSet(int Bits)
{
    private static readonly string[] Names = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static readonly MethodSet Default = new((1 << Names.Length) - 1);

    /// <summary>The value of an <c>Allow</c> header for this set.</summary>
    public string AllowHeader
    {
        get
        {
            var bits = Bits;
            return string.Join(", ", Names.Where((_, i) => (bits & (1 << i)) != 0));
        }
    }

    public static MethodSet From(IReadOnlyList<string>? methods) =>
        methods is null ? Default : TryParse(methods, out var set) ? set : new MethodSet(0);

    public static bool TryParse(IEnumerable<string> methods, out MethodSet set)
    {
        var bits = 0;
        foreach (var method in methods)
        {
            var index = Array.FindIndex(Names, n => string.Equals(n, method, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                set = default;
                return false;
            }

            bits |= 1 << index;
        }

        set = new MethodSet(bits);
        return bits != 0;
    }

    /// <summary>Whether <paramref name="method"/> (as the server parsed it: upper case for known methods) is allowed.</summary>
    public bool Allows(string method)
    {
        var index = method switch
        {
            "GET" => 0,
            "POST" => 1,
            "PUT" => 2,
            "PATCH" => 3,
            "DELETE" => 4,
            "HEAD" => 5,
            "OPTIONS" => 6,
            _ => -1,
        };
        return index >= 0 && (Bits & (1 << index)) != 0;
    }
}
