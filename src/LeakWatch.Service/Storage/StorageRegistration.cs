using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Storage;

internal static class StorageRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSingleton<Database>();
        services.AddSingleton<MetaStore>();
        services.AddSingleton<FingerprintStore>();
        services.AddSingleton<FingerprintIndexFiles>();
        return services;
    }
}
