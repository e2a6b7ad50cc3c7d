using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceGateway.Contracts.Admin;

/// <summary>
/// A PATCH field: tells "absent" (leave as is) apart from "present", including present and null (clear). Writers
/// leave absent fields out (see <see cref="OptionalFields"/>).
/// </summary>
[JsonConverter(typeof(OptionalConverterFactory))]
public readonly record struct Optional<T>(bool HasValue, T Value) : IOptionalValue
{
    public static Optional<T> Absent => default;

    object? IOptionalValue.BoxedValue => Value;

    public T Or(T current) => HasValue ? Value : current;
}

/// <summary>An <see cref="Optional{T}"/> seen without its type argument (by filters that walk request bodies).</summary>
public interface IOptionalValue
{
    bool HasValue { get; }

    object? BoxedValue { get; }
}

public sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        // Called only when the property is present, so null reaches Read as a real value.
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(true, JsonSerializer.Deserialize<T>(ref reader, options)!);

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}

/// <summary>A serializer modifier that leaves absent <see cref="Optional{T}"/> properties out of what is written.</summary>
public static class OptionalFields
{
    public static void SkipAbsent(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Optional<>))
            {
                property.ShouldSerialize = (_, value) => value is IOptionalValue { HasValue: true };
            }
        }
    }
}
