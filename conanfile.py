# Conan 2 recipe for apexcore (conan-center-index's cmake_package template). Debian 12 has no
# Conan client: scripts/check-package.sh compiles this file, builds and installs apexcore with the
# CMake options below (static and shared) and builds test_package/ against each install;
# docs/packaging.md lists what that does and does not verify.
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir
from conan.tools.scm import Version

required_conan_version = ">=2.0.10"  # `implements = ["auto_shared_fpic"]`


class ApexcoreConan(ConanFile):
    name = "apexcore"
    description = "A C++20 library and reference bot that runs a Discord shop"
    license = "Apache-2.0"
    url = "https://github.com/apexcore/apexcore"
    homepage = "https://github.com/apexcore/apexcore"
    topics = ("discord", "shop", "wallet", "ledger", "beast")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False]}
    default_options = {"shared": False, "fPIC": True}
    implements = ["auto_shared_fpic"]  # fPIC dropped on Windows and for shared builds
    exports_sources = "CMakeLists.txt", "LICENSE", "cmake/*", "include/*", "src/*"

    # The compilers apexcore is built and tested with (C++20: coroutines, designated initializers,
    # std::span); older ones lack parts of the C++20 library it uses.
    _minimum_compilers = {"gcc": "12", "clang": "14", "apple-clang": "15"}

    def set_version(self):
        # The version is written once, in CMakeLists.txt's project(VERSION ...).
        cmakelists = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
        self.version = re.search(r"project\(apexcore\s+VERSION\s+([0-9.]+)", cmakelists).group(1)

    def layout(self):
        cmake_layout(self, src_folder=".")

    def requirements(self):
        # Boost's headers (Asio io_context), OpenSSL (ssl::context) and nlohmann_json appear in
        # apexcore::discord's and apexcore::discord_model's public headers.
        self.requires("boost/[>=1.81 <2]", transitive_headers=True)
        self.requires("openssl/[>=3 <4]", transitive_headers=True)
        self.requires("nlohmann_json/[>=3.11 <4]", transitive_headers=True)
        self.requires("sqlite3/[>=3.40 <4]")
        self.requires("libpq/[>=15 <18]")

    def validate(self):
        check_min_cppstd(self, 20)
        compiler = str(self.settings.compiler)
        if compiler == "msvc":
            # money.hpp checks overflow with __builtin_add_overflow / __builtin_mul_overflow.
            raise ConanInvalidConfiguration(f"{self.ref} needs GCC or Clang (__builtin_*_overflow); MSVC is not supported")
        minimum = self._minimum_compilers.get(compiler)
        if minimum and Version(self.settings.compiler.version) < minimum:
            raise ConanInvalidConfiguration(f"{self.ref} needs {compiler} >= {minimum} (C++20)")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["APEXCORE_BUILD_TESTS"] = False
        tc.cache_variables["APEXCORE_BUILD_EXAMPLES"] = False  # so Boost.ProgramOptions is not needed
        tc.cache_variables["APEXCORE_INSTALL"] = True
        tc.cache_variables["APEXCORE_WITH_DISCORD"] = True
        tc.cache_variables["APEXCORE_WITH_POSTGRESQL"] = True
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        CMake(self).install()
        # Conan's CMakeDeps writes the consumers' config files; apexcore's own go, as does the
        # copy of the license under share/doc.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "apexcore")
        threads = ["pthread"] if self.settings.os in ("Linux", "FreeBSD") else []

        def component(name, libs, requires, system_libs=()):
            c = self.cpp_info.components[name]
            c.set_property("cmake_target_name", f"apexcore::{name}")
            c.libs = libs
            c.requires = requires
            c.system_libs = list(system_libs)
            if not libs:
                c.bindirs = []
                c.libdirs = []
            return c

        component("core", [], [])
        component("ports", [], ["core"])
        component("services", ["apexcore_services"], ["ports"])
        component("bot", ["apexcore_bot"], ["services"])
        component("sqlite", ["apexcore_sqlite"], ["ports", "sqlite3::sqlite3"], threads)
        component("memory", ["apexcore_memory"], ["ports"], threads)
        component("postgresql", ["apexcore_postgresql"], ["ports", "libpq::libpq"], threads)
        component("storage", ["apexcore_storage"], ["ports"])
        component("render", ["apexcore_render"], ["ports"])  # JSON only inside
        component("s3", ["apexcore_s3"], ["ports", "boost::headers", "openssl::ssl", "openssl::crypto"], threads)
        component("discord_model", ["apexcore_discord_model"], ["ports", "nlohmann_json::nlohmann_json"])
        component("discord", ["apexcore_discord"],
                  ["discord_model", "boost::headers", "boost::url", "openssl::ssl", "openssl::crypto"], threads)
