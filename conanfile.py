# Conan 2 recipe for apexcore (conan-center-index cmake_package template). Debian 12 has no Conan
# client, so CI builds test_package/ against a staged CMake install instead (tests/CMakeLists.txt).
import os

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy


class ApexcoreConan(ConanFile):
    name = "apexcore"
    version = "0.1.0"
    description = "A C++20 library and reference bot that runs a Discord shop"
    license = "Apache-2.0"
    url = "https://example.com/apexcore"
    topics = ("discord", "shop", "wallet", "ledger", "beast")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False]}
    default_options = {"shared": False, "fPIC": True}
    implements = ["auto_shared_fpic"]
    exports_sources = "CMakeLists.txt", "LICENSE", "cmake/*", "include/*", "src/*", "examples/*", "docs/*"

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # Boost, OpenSSL and nlohmann_json types appear in apexcore::discord's public headers.
        self.requires("boost/1.81.0", transitive_headers=True)
        self.requires("openssl/[>=3 <4]", transitive_headers=True)
        self.requires("nlohmann_json/3.11.2", transitive_headers=True)
        self.requires("sqlite3/[>=3.40 <4]")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["APEXCORE_BUILD_TESTS"] = False
        tc.cache_variables["APEXCORE_BUILD_EXAMPLES"] = False
        tc.cache_variables["APEXCORE_INSTALL"] = True
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        CMake(self).install()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "apexcore")
        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "apexcore::core")
        core.bindirs = []
        core.libdirs = []
        ports = self.cpp_info.components["ports"]
        ports.set_property("cmake_target_name", "apexcore::ports")
        ports.requires = ["core"]
        ports.bindirs = []
        ports.libdirs = []
        services = self.cpp_info.components["services"]
        services.set_property("cmake_target_name", "apexcore::services")
        services.libs = ["apexcore_services"]
        services.requires = ["ports"]
        bot = self.cpp_info.components["bot"]
        bot.set_property("cmake_target_name", "apexcore::bot")
        bot.libs = ["apexcore_bot"]
        bot.requires = ["services"]
        sqlite = self.cpp_info.components["sqlite"]
        sqlite.set_property("cmake_target_name", "apexcore::sqlite")
        sqlite.libs = ["apexcore_sqlite"]
        sqlite.requires = ["ports", "sqlite3::sqlite3"]
        discord_model = self.cpp_info.components["discord_model"]
        discord_model.set_property("cmake_target_name", "apexcore::discord_model")
        discord_model.libs = ["apexcore_discord_model"]
        discord_model.requires = ["ports", "nlohmann_json::nlohmann_json"]
        discord = self.cpp_info.components["discord"]
        discord.set_property("cmake_target_name", "apexcore::discord")
        discord.libs = ["apexcore_discord"]
        discord.defines = ["BOOST_ASIO_SEPARATE_COMPILATION", "BOOST_BEAST_SEPARATE_COMPILATION", "BOOST_ASIO_NO_DEPRECATED"]
        discord.requires = ["discord_model", "boost::headers", "boost::url", "openssl::ssl", "openssl::crypto"]
