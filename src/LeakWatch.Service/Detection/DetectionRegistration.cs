using LeakWatch.Service.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Detection;

internal static class DetectionRegistration
{
    public static IServiceCollection AddDetection(this IServiceCollection services)
    {
        services.AddStrictOptions<DetectionOptions>(DetectionOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<LegacyHashUpgrade>();
        services.AddSingleton<ContentHashing>();
        services.AddSingleton<DocumentScanner>();
        services.AddSingleton<IDocumentScanner>(sp => sp.GetRequiredService<DocumentScanner>());
        services.AddSingleton<DocumentIntake>();
        return services;
    }
}
