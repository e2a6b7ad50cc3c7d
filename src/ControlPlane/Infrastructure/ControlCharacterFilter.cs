using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>
/// Refuses control characters in every string an admin request carries: the bound body (walked through its
/// records, lists and optional values), route values and the query string. U+0000-U+001F and U+007F are refused
/// (a tab only in free-text fields), as are unpaired surrogates; the 400 names each offending field. One filter
/// on the whole admin group, so a new route is covered without code of its own.
/// </summary>
internal sealed class ControlCharacterFilter : IEndpointFilter
{
    /// <summary>Properties whose values are prose, where a tab is harmless.</summary>
    private static readonly HashSet<string> FreeText = new(StringComparer.Ordinal) { "Description", "DisplayName", "Name", "Reason", "SuspendedReason", "Summary" };

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new ValidationErrors();
        var http = context.HttpContext;
        foreach (var (name, values) in http.Request.Query)
        {
            Check(name, name, freeText: false, errors);
            foreach (var value in values)
            {
                Check(value, name, freeText: false, errors);
            }
        }

        foreach (var (name, value) in http.Request.RouteValues)
        {
            if (value is string text)
            {
                Check(text, name, freeText: false, errors);
            }
        }

        var parameters = (http.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>())?.GetParameters();

        // Injected services (the database context, the caller) are not request data: walking them would read the database.
        var services = http.RequestServices.GetService<Microsoft.Extensions.DependencyInjection.IServiceProviderIsService>();
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            var argument = context.Arguments[i];
            if (argument is string text)
            {
                var name = parameters is not null && i < parameters.Length ? parameters[i].Name ?? "value" : "value";
                Check(text, name, freeText: false, errors);
            }
            else if (argument is not null && IsRequestType(argument.GetType()) && !IsService(services, argument.GetType(), parameters is not null && i < parameters.Length ? parameters[i].ParameterType : null))
            {
                Walk(argument, string.Empty, errors, depth: 0);
            }
        }

        return errors.Any ? ValueTask.FromResult<object?>(errors.ToResult()) : next(context);
    }

    /// <summary>Null when <paramref name="value"/> is clean; otherwise what is wrong with it.</summary>
    public static string? Problem(string? value, bool freeText)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if ((c < ' ' && !(freeText && c == '\t')) || c == '\u007f')
            {
                return $"The value contains the control character U+{(int)c:X4}, which is not allowed.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "The value contains an unpaired surrogate (invalid Unicode).";
            }
        }

        return null;
    }

    private static void Check(string? value, string field, bool freeText, ValidationErrors errors)
    {
        if (Problem(value, freeText) is { } problem)
        {
            errors.Add(field, problem);
        }
    }

    private static bool IsService(Microsoft.Extensions.DependencyInjection.IServiceProviderIsService? services, Type runtime, Type? declared) =>
        services is not null && (services.IsService(runtime) || (declared is not null && services.IsService(declared)));

    private static bool IsRequestType(Type type) => type.Namespace?.StartsWith("InferenceGateway", StringComparison.Ordinal) == true && !type.IsEnum;

    private static void Walk(object value, string path, ValidationErrors errors, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        foreach (var property in Properties.GetOrAdd(value.GetType(), static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray()))
        {
            var name = Join(path, JsonNamingPolicy.CamelCase.ConvertName(property.Name));
            Visit(property.GetValue(value), name, FreeText.Contains(property.Name), errors, depth + 1);
        }
    }

    private static void Visit(object? value, string name, bool freeText, ValidationErrors errors, int depth)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                Check(text, name, freeText, errors);
                return;
            case IOptionalValue optional:
                if (optional.HasValue)
                {
                    Visit(optional.BoxedValue, name, freeText, errors, depth);
                }

                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    Check(entry.Key as string, name, freeText: false, errors);
                    Visit(entry.Value, $"{name}.{entry.Key}", freeText, errors, depth + 1);
                }

                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    Visit(item, $"{name}[{index++}]", freeText, errors, depth + 1);
                }

                return;
            default:
                if (IsRequestType(value.GetType()))
                {
                    Walk(value, name, errors, depth);
                }

                return;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
