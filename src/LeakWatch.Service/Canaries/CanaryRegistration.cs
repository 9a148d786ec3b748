using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Canaries;

internal static class CanaryRegistration
{
    public static IServiceCollection AddCanaries(this IServiceCollection services)
    {
        services.AddSingleton<CanaryStore>();
        services.AddSingleton<CanaryMaker>();
        return services;
    }
}
