using System.Diagnostics;

using InferenceGateway.SampleModel.Api;
using InferenceGateway.SampleModel.Classifier;
using InferenceGateway.SampleModel.LanguageModel;
using InferenceGateway.SampleModel.Tokenization;
using InferenceGateway.SampleModel.Vision;

using Microsoft.Extensions.Options;

namespace InferenceGateway.SampleModel;

/// <summary>
/// Builds the sample model server. Kept apart from Program so that another process (the Standalone host, or a test) can run
/// the same server in-process on a port of its choosing.
/// </summary>
public static class SampleModelHost
{
    /// <summary>Builds the application with its models already trained; the caller runs or starts it.</summary>
    /// <param name="args">Command-line arguments, read as configuration (for example <c>--urls</c>).</param>
    /// <param name="configure">Runs after the server's own registrations, so it can override services, configuration or URLs.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);

        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Services.Configure<SampleModelOptions>(builder.Configuration.GetSection(SampleModelOptions.SectionName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TokenCounter>();
        builder.Services.AddSingleton(_ => TrigramLanguageModel.Train(TrainingData.ReadCorpusParagraphs()));
        builder.Services.AddSingleton<ChatCompletionService>();
        builder.Services.AddSingleton(_ => NaiveBayesClassifier.Train(TrainingData.ReadSentimentExamples()));
        builder.Services.AddSingleton(services =>
        {
            SampleModelOptions settings = services.GetRequiredService<IOptions<SampleModelOptions>>().Value;
            return ImageClassifier.Train(Path.Combine(AppContext.BaseDirectory, "DnnImageModels"), settings.MaxImagePixels);
        });
        builder.Services.AddSingleton<ModelCatalog>();
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        TrainModels(app.Services, app.Logger);
        app.UseOpenAiErrors();
        app.MapSampleModelApi();
        return app;
    }

    /// <summary>Trains every model now rather than on the first request, so that request latency never includes training.</summary>
    private static void TrainModels(IServiceProvider services, ILogger logger)
    {
        long started = Stopwatch.GetTimestamp();
        services.GetRequiredService<TokenCounter>();
        TrigramLanguageModel languageModel = services.GetRequiredService<TrigramLanguageModel>();
        NaiveBayesClassifier classifier = services.GetRequiredService<NaiveBayesClassifier>();
        ImageClassifier images = services.GetRequiredService<ImageClassifier>();
        services.GetRequiredService<ModelCatalog>();
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        logger.LogInformation(
            "Models ready in {ElapsedMilliseconds:F0} ms: trigram model over {Paragraphs} paragraphs, {Words} words, {Histories} histories; "
                + "classifier over {Examples} examples, {Features} features, labels {Labels}; "
                + "image classifier (ResNet18) over {Images} images, labels {ImageLabels}",
            Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            languageModel.ParagraphCount,
            languageModel.Vocabulary.Count,
            languageModel.Forward.TrigramHistoryCount,
            classifier.ExampleCount,
            classifier.FeatureCount,
            string.Join(", ", classifier.Labels),
            images.ExampleCount,
            string.Join(", ", images.Labels));
    }
}