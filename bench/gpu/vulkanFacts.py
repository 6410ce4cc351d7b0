# What vulkaninfo would say about this machine's Vulkan devices (name, type, API and driver versions), read through
# the Vulkan loader with ctypes alone: the device machine has Python but no vulkaninfo, and vulkan-tools would bring
# X11 and Wayland libraries with it. Run by run-on-device.sh (and its rehearsal on SwiftShader); prints one JSON
# object. With VK_LOADER_DEBUG set, the loader's own log goes to stderr, which the caller keeps.
import ctypes
import json
import sys

VK_SUCCESS = 0
VK_INCOMPLETE = 5
STRUCTURE_APPLICATION_INFO = 0
STRUCTURE_INSTANCE_CREATE_INFO = 1
STRUCTURE_PHYSICAL_DEVICE_PROPERTIES_2 = 1000059001
STRUCTURE_PHYSICAL_DEVICE_DRIVER_PROPERTIES = 1000196000
DEVICE_TYPES = {0: 'other', 1: 'integrated GPU', 2: 'discrete GPU', 3: 'virtual GPU', 4: 'CPU'}
NVIDIA = 0x10DE


def make_version(major, minor):
    return (major << 22) | (minor << 12)


def api_version(v):
    return f'{(v >> 22) & 0x7F}.{(v >> 12) & 0x3FF}.{v & 0xFFF}'


def driver_version(vendor, v):
    # NVIDIA packs its driver version as 10.8.8.6 bits; the others mostly follow Vulkan's own packing.
    if vendor == NVIDIA:
        return f'{v >> 22}.{(v >> 14) & 0xFF}.{(v >> 6) & 0xFF}'
    return api_version(v)


class ApplicationInfo(ctypes.Structure):
    _fields_ = [('sType', ctypes.c_uint32), ('pNext', ctypes.c_void_p), ('pApplicationName', ctypes.c_char_p),
                ('applicationVersion', ctypes.c_uint32), ('pEngineName', ctypes.c_char_p),
                ('engineVersion', ctypes.c_uint32), ('apiVersion', ctypes.c_uint32)]


class InstanceCreateInfo(ctypes.Structure):
    _fields_ = [('sType', ctypes.c_uint32), ('pNext', ctypes.c_void_p), ('flags', ctypes.c_uint32),
                ('pApplicationInfo', ctypes.POINTER(ApplicationInfo)), ('enabledLayerCount', ctypes.c_uint32),
                ('ppEnabledLayerNames', ctypes.c_void_p), ('enabledExtensionCount', ctypes.c_uint32),
                ('ppEnabledExtensionNames', ctypes.c_void_p)]


class PhysicalDeviceProperties(ctypes.Structure):
    # VkPhysicalDeviceLimits (504 bytes, 8-aligned) and VkPhysicalDeviceSparseProperties are kept as opaque words.
    _fields_ = [('apiVersion', ctypes.c_uint32), ('driverVersion', ctypes.c_uint32), ('vendorID', ctypes.c_uint32),
                ('deviceID', ctypes.c_uint32), ('deviceType', ctypes.c_int32), ('deviceName', ctypes.c_char * 256),
                ('pipelineCacheUUID', ctypes.c_ubyte * 16), ('limits', ctypes.c_uint64 * 63),
                ('sparseProperties', ctypes.c_uint32 * 5)]


class PhysicalDeviceDriverProperties(ctypes.Structure):
    _fields_ = [('sType', ctypes.c_uint32), ('pNext', ctypes.c_void_p), ('driverID', ctypes.c_uint32),
                ('driverName', ctypes.c_char * 256), ('driverInfo', ctypes.c_char * 256),
                ('conformanceVersion', ctypes.c_ubyte * 4)]


class PhysicalDeviceProperties2(ctypes.Structure):
    _fields_ = [('sType', ctypes.c_uint32), ('pNext', ctypes.c_void_p), ('properties', PhysicalDeviceProperties)]


def text(raw):
    return raw.decode('utf-8', 'replace')


def describe(vk, instance, device, properties2):
    props = PhysicalDeviceProperties()
    vk.vkGetPhysicalDeviceProperties(device, ctypes.byref(props))
    fact = {
        'name': text(props.deviceName),
        'type': DEVICE_TYPES.get(props.deviceType, str(props.deviceType)),
        'vendorID': f'0x{props.vendorID:04x}',
        'deviceID': f'0x{props.deviceID:04x}',
        'apiVersion': api_version(props.apiVersion),
        'driverVersion': driver_version(props.vendorID, props.driverVersion),
        'driverVersionRaw': props.driverVersion,
    }
    # Driver name and version string (e.g. "NVIDIA", "580.159.03") need Vulkan 1.2 on the device.
    if properties2 is not None and props.apiVersion >= make_version(1, 2):
        driver = PhysicalDeviceDriverProperties(sType=STRUCTURE_PHYSICAL_DEVICE_DRIVER_PROPERTIES)
        both = PhysicalDeviceProperties2(sType=STRUCTURE_PHYSICAL_DEVICE_PROPERTIES_2,
                                         pNext=ctypes.cast(ctypes.pointer(driver), ctypes.c_void_p))
        properties2(device, ctypes.byref(both))
        fact['driverName'] = text(driver.driverName)
        fact['driverInfo'] = text(driver.driverInfo)
        fact['conformanceVersion'] = '.'.join(str(b) for b in driver.conformanceVersion)
    return fact


def main():
    try:
        vk = ctypes.CDLL('libvulkan.so.1')
    except OSError as error:
        return {'loaded': False, 'error': f'the Vulkan loader (libvulkan.so.1) cannot be loaded: {error}'}
    facts = {'loaded': True}
    version = ctypes.c_uint32(make_version(1, 0))
    if hasattr(vk, 'vkEnumerateInstanceVersion'):
        vk.vkEnumerateInstanceVersion(ctypes.byref(version))
    facts['loaderApiVersion'] = api_version(version.value)

    app = ApplicationInfo(sType=STRUCTURE_APPLICATION_INFO, pApplicationName=b'celldesk-vulkan-facts',
                          apiVersion=make_version(1, 1))
    create = InstanceCreateInfo(sType=STRUCTURE_INSTANCE_CREATE_INFO, pApplicationInfo=ctypes.pointer(app))
    instance = ctypes.c_void_p()
    result = vk.vkCreateInstance(ctypes.byref(create), None, ctypes.byref(instance))
    if result != VK_SUCCESS:
        # -9 is VK_ERROR_INCOMPATIBLE_DRIVER: the loader found no driver (ICD) at all.
        facts['error'] = f'vkCreateInstance failed with VkResult {result}' + (' (no Vulkan driver found)' if result == -9 else '')
        return facts
    try:
        vk.vkGetInstanceProcAddr.restype = ctypes.c_void_p
        address = vk.vkGetInstanceProcAddr(instance, b'vkGetPhysicalDeviceProperties2')
        properties2 = None if not address else ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(address)
        count = ctypes.c_uint32(0)
        vk.vkEnumeratePhysicalDevices(instance, ctypes.byref(count), None)
        devices = (ctypes.c_void_p * count.value)()
        result = vk.vkEnumeratePhysicalDevices(instance, ctypes.byref(count), devices)
        if result not in (VK_SUCCESS, VK_INCOMPLETE):
            facts['error'] = f'vkEnumeratePhysicalDevices failed with VkResult {result}'
        vk.vkGetPhysicalDeviceProperties.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        facts['devices'] = [describe(vk, instance, devices[i], properties2) for i in range(count.value)]
    finally:
        vk.vkDestroyInstance.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        vk.vkDestroyInstance(instance, None)
    return facts


if __name__ == '__main__':
    json.dump(main(), sys.stdout)
    sys.stdout.write('\n')
