using LeakWatch.Service.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Keys;

internal static class KeysRegistration
{
    public static IServiceCollection AddKeys(this IServiceCollection services)
    {
        services.AddStrictOptions<KeyOptions>(KeyOptions.SectionName);
        services.AddSingleton<IValidateOptions<KeyOptions>, KeyOptionsValidator>();
        services.AddSingleton<KeyProvider>();
        return services;
    }
}
