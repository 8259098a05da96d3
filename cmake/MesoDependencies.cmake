# Every dependency is a Debian 12 package (scripts/setup-debian.sh installs them); nothing is downloaded.
find_package(Boost 1.74 REQUIRED)            # header-only parts: CRC (protocols), later Asio
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(SQLite3 3.31 REQUIRED)          # the journal (SQLite::SQLite3)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)  # journal signatures (Ed25519), passwords (Argon2id)
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)         # journal SHA-256 (libcrypto uses SHA-NI)
# vision/: ArUco markers and ChArUco calibration come from the contrib module (libopencv-contrib-dev).
find_package(OpenCV 4.6 REQUIRED COMPONENTS core imgproc imgcodecs videoio calib3d aruco)
# gui/: Dear ImGui 1.86 (libimgui.a holds its GLFW and OpenGL3 backends), GLFW and OpenGL.
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
pkg_check_modules(GLFW REQUIRED IMPORTED_TARGET glfw3)
find_package(OpenGL REQUIRED)
if(MESO_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)
  include(GoogleTest)
endif()
if(MESO_BUILD_BENCH)
  find_package(benchmark 1.7 REQUIRED)
endif()
