using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.Contracts.Admin;

public sealed record UpstreamCredentialRequest(string? HeaderName, string? Value);

public sealed record CreateModelEndpointRequest(
    string? Model,
    string? BaseUrl,
    UpstreamCredentialRequest? UpstreamCredential,
    int? TimeoutSeconds,
    bool? Enabled,
    List<string>? AllowedMethods = null,
    bool? ForwardClientAddress = null,
    int? StreamMaxDurationSeconds = null,
    int? StreamMaxIdleSeconds = null,
    ImageRulesRequest? ImageRules = null,
    OutputHardeningRequest? OutputHardening = null,
    int? MaxOutputTokens = null);

/// <summary>
/// Image rules in the admin API. Omitted limits take the defaults, so <c>"imageRules": {}</c> is a usable start
/// (PNG and JPEG, one image of up to 4 MiB and 4096 x 4096 pixels, raw or multipart bodies).
/// </summary>
public sealed record ImageRulesRequest(
    IReadOnlyList<string>? AllowedTypes,
    long? MaxEncodedBytes,
    int? MaxWidth,
    int? MaxHeight,
    long? MaxPixels,
    int? MaxImages,
    IReadOnlyList<string>? JsonPaths);

/// <summary>Output hardening in the admin API; <c>maxResponseBytes</c> defaults to 1 MiB and <c>scoreField</c> to "score".</summary>
public sealed record OutputHardeningRequest(
    string? ScoresPath,
    string? ScoreField,
    int? TopK,
    int? ScoreDecimals,
    IReadOnlyList<string>? RemoveFields,
    int? MaxResponseBytes);

/// <summary>Says which header carries the upstream credential, never its value.</summary>
public sealed record UpstreamCredentialResponse(string HeaderName, bool Configured);

public sealed record ModelEndpointResponse(
    Guid Id,
    Guid TenantId,
    string Model,
    string BaseUrl,
    UpstreamCredentialResponse? UpstreamCredential,
    int TimeoutSeconds,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> AllowedMethods,
    bool ForwardClientAddress,
    int StreamMaxDurationSeconds,
    int StreamMaxIdleSeconds,
    ImageRulesSnapshot? ImageRules,
    OutputHardeningSnapshot? OutputHardening,
    int MaxOutputTokens = 4096);

/// <summary>PATCH body. <c>upstreamCredential: null</c> removes the credential; the model name cannot change.</summary>
public sealed record UpdateModelEndpointRequest
{
    public Optional<string> Model { get; init; }

    public Optional<string> BaseUrl { get; init; }

    public Optional<UpstreamCredentialRequest?> UpstreamCredential { get; init; }

    public Optional<int> TimeoutSeconds { get; init; }

    public Optional<bool> Enabled { get; init; }

    /// <summary>Null restores the default set.</summary>
    public Optional<List<string>?> AllowedMethods { get; init; }

    public Optional<bool> ForwardClientAddress { get; init; }

    public Optional<int> StreamMaxDurationSeconds { get; init; }

    public Optional<int> StreamMaxIdleSeconds { get; init; }

    /// <summary>Replaces the image rules whole; <c>null</c> removes them.</summary>
    public Optional<ImageRulesRequest?> ImageRules { get; init; }

    /// <summary>Replaces the output hardening whole; <c>null</c> removes it.</summary>
    public Optional<OutputHardeningRequest?> OutputHardening { get; init; }

    /// <summary>The model's output ceiling in tokens, used for a spend budget's worst case when a request sets no <c>max_tokens</c>; null restores the default.</summary>
    public Optional<int?> MaxOutputTokens { get; init; }
}
