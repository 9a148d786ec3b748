using LeakWatch.Service.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.EarlyWarning;

internal static class EarlyWarningRegistration
{
    public static IServiceCollection AddEarlyWarning(this IServiceCollection services)
    {
        services.AddStrictOptions<EarlyWarningOptions>(EarlyWarningOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<EarlyWarningOptions>, EarlyWarningOptionsValidator>();
        services.AddSingleton<WatchedTerms>();
        services.AddSingleton<EarlySignals>();
        return services;
    }
}
