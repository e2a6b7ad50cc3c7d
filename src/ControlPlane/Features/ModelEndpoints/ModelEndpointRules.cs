using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

/// <summary>
/// The endpoint's image rules and output hardening: from the request to the stored form (JSON text columns) and back,
/// validated with the bounds the compiler and every node also apply (<see cref="EndpointRules"/>).
/// </summary>
internal static class ModelEndpointRules
{
    public static ImageRulesSnapshot ToSnapshot(ImageRulesRequest r) => new()
    {
        AllowedTypes = r.AllowedTypes ?? ["png", "jpeg"],
        MaxEncodedBytes = r.MaxEncodedBytes ?? 4 * 1024 * 1024,
        MaxWidth = r.MaxWidth ?? 4096,
        MaxHeight = r.MaxHeight ?? 4096,
        MaxPixels = r.MaxPixels ?? 4096L * 4096,
        MaxImages = r.MaxImages ?? 1,
        JsonPaths = r.JsonPaths,
    };

    public static OutputHardeningSnapshot ToSnapshot(OutputHardeningRequest r) => new()
    {
        ScoresPath = r.ScoresPath,
        ScoreField = r.ScoreField ?? "score",
        TopK = r.TopK,
        ScoreDecimals = r.ScoreDecimals,
        RemoveFields = r.RemoveFields,
        MaxResponseBytes = r.MaxResponseBytes ?? EndpointRules.DefaultMaxResponseBytes,
    };

    public static void Validate(ImageRulesSnapshot rules, ValidationErrors errors)
    {
        var found = new List<(string Field, string Message)>();
        EndpointRules.Validate(rules, "imageRules", found);
        foreach (var (field, message) in found)
        {
            errors.Add(field, message);
        }
    }

    public static void Validate(OutputHardeningSnapshot hardening, ValidationErrors errors)
    {
        var found = new List<(string Field, string Message)>();
        EndpointRules.Validate(hardening, "outputHardening", found);
        foreach (var (field, message) in found)
        {
            errors.Add(field, message);
        }
    }

    public static string? Write<T>(T? value)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, ContractJson.Options);

    public static ImageRulesSnapshot? ReadImageRules(ModelEndpoint endpoint) => Read<ImageRulesSnapshot>(endpoint.ImageRules);

    public static OutputHardeningSnapshot? ReadOutputHardening(ModelEndpoint endpoint) => Read<OutputHardeningSnapshot>(endpoint.OutputHardening);

    /// <summary>For the compiler: the stored rules, or the reasons they cannot be served.</summary>
    public static bool TryRead(ModelEndpoint endpoint, out ImageRulesSnapshot? images, out OutputHardeningSnapshot? hardening, List<string> problems)
    {
        images = null;
        hardening = null;
        var found = new List<(string Field, string Message)>();
        try
        {
            images = ReadImageRules(endpoint);
            hardening = ReadOutputHardening(endpoint);
        }
        catch (JsonException)
        {
            problems.Add("its stored image rules or output hardening are not readable");
            return false;
        }

        if (images is not null)
        {
            EndpointRules.Validate(images, "imageRules", found);
        }

        if (hardening is not null)
        {
            EndpointRules.Validate(hardening, "outputHardening", found);
        }

        problems.AddRange(found.Select(f => $"{f.Field}: {f.Message}"));
        return found.Count == 0;
    }

    /// <summary>A one-line, secret-free description for the audit log.</summary>
    public static string Describe(ImageRulesSnapshot? images, OutputHardeningSnapshot? hardening)
    {
        var parts = new List<string>();
        if (images is not null)
        {
            parts.Add($"image rules ({string.Join("/", images.AllowedTypes)}, at most {images.MaxImages} of {images.MaxEncodedBytes} bytes, {images.MaxWidth} x {images.MaxHeight}, {images.MaxPixels} pixels)");
        }

        if (hardening is not null)
        {
            var what = new List<string>();
            if (hardening.TopK is { } k)
            {
                what.Add($"top {k}");
            }

            if (hardening.ScoreDecimals is { } d)
            {
                what.Add($"{d} decimals");
            }

            if (hardening.RemoveFields is { Count: > 0 } removed)
            {
                what.Add($"without {string.Join(", ", removed)}");
            }

            parts.Add($"output hardening ({string.Join(", ", what)})");
        }

        return parts.Count == 0 ? string.Empty : " with " + string.Join(" and ", parts);
    }

    private static T? Read<T>(string? json)
        where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, ContractJson.Options);
}
